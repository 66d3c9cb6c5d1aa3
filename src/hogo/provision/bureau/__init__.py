"""Credit bureaus (指定信用情報機関): inquiries as receipts, registrations as provisions, periodic inspection."""
