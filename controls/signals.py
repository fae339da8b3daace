"""Signals of the catalogues, for the apps above them (which they cannot import).

``catalogues_loaded`` is sent by ``services.catalogues_load`` at the end of its
load, inside its transaction, with its ``report``. Apps that keep a row per control for every
organization (the SoA) connect to it so that a control new in the fixtures gets
its rows at once.
"""

from django.dispatch import Signal

catalogues_loaded = Signal()
