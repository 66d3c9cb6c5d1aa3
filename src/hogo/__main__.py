from hogo.cli import app

app(prog_name="hogo")
