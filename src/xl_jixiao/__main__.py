from xl_jixiao.cli import run

run()
