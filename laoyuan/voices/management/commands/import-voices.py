"""`laoyuan import-voices`: the spelling of the command used in the docs, like `import-roster`
(the command itself is `import_voices`)."""

from laoyuan.voices.management.commands.import_voices import Command  # noqa: F401
