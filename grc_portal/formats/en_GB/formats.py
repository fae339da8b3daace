"""One way to write dates and times everywhere (issue 13, defect 7): "30 May 2027" and
"30 May 2027, 14:05". Pages, PDFs, history and messages use these through ``|date`` and
``django.utils.formats``; date inputs are ``<input type=date>`` (``core.widgets.DatePicker``)."""

DATE_FORMAT = "j M Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
# What a date field accepts: the ISO form <input type=date> sends, then the British forms.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %b %Y", "%d %B %Y"]
