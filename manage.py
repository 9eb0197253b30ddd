#!/usr/bin/env python
from laoyuan.__main__ import main

if __name__ == "__main__":
    main()
