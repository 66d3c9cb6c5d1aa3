"""Third-party provision: the legal basis of every provision and the records the law requires (Art. 27-30)."""
