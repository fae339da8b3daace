from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin

from .forms import AdminSignInForm
from .models import User
from .services import account_unlock

# The admin's sign-in counts against the same limiter and lockout as the portal's.
admin.site.login_form = AdminSignInForm


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    """Django's user admin, showing locked accounts and unlocking them (``accounts.sign_in``).

    Its add and password forms apply ``AUTH_PASSWORD_VALIDATORS`` like every other path.
    """

    list_display = (*UserAdmin.list_display, "is_active", "locked_at")
    list_filter = (*UserAdmin.list_filter, ("locked_at", admin.EmptyFieldListFilter))
    readonly_fields = ("failed_sign_ins",)
    fieldsets = (*UserAdmin.fieldsets, ("Sign-in defences", {"fields": ("locked_at", "failed_sign_ins")}))
    actions = ["unlock_accounts"]

    @admin.action(description="Unlock the selected accounts")
    def unlock_accounts(self, request, queryset):
        unlocked = 0
        for user in queryset.filter(locked_at__isnull=False):
            account_unlock(user=user, actor=request.user)
            unlocked += 1
        self.message_user(request, f"{unlocked} account(s) unlocked.", messages.SUCCESS)
