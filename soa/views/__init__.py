"""The SoA pages: the live table (``entries``), approved versions (``versions``)
and the gap analysis (``gap``)."""
