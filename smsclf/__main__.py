from smsclf.cli import main

raise SystemExit(main())
