from django.contrib.auth import views as auth_views

from .forms import SignInForm
from .sign_in import attempt_limit, client_address


class SignInView(auth_views.LoginView):
    """The browser's sign-in, behind the limiter (per account and per client: 429) and the lockout."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        refusal = attempt_limit(username=request.POST.get("username", ""), address=client_address(request))
        if refusal is not None:
            # An unbound form: binding it would check the password, which is what is refused.
            form = self.form_class(request, initial={"username": request.POST.get("username", "")})
            response = self.render_to_response(self.get_context_data(form=form, refusal=refusal.message))
            response.status_code = 429
            response["Retry-After"] = str(refusal.wait)
            return response
        return super().post(request, *args, **kwargs)
