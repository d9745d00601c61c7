from xl_jixiao.cli import main

raise SystemExit(main())
