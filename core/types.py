"""Types the services share."""

from django.contrib.auth.base_user import AbstractBaseUser

#: Who a service acts for: the user its history names (``None`` only for the system itself,
#: e.g. rows an organization gets when it is created).
Actor = AbstractBaseUser | None
