#!/usr/bin/env python
"""A Django site showing bai-media.

    pip install -e '.[django]'
    python examples/django_site/manage.py runserver 127.0.0.1:8000
"""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo_site.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
