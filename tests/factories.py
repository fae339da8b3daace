import datetime

import factory
from django.contrib.auth import get_user_model

from assets.models import Asset, AssetKind, AssetRelation
from core.roles import Role
from organizations.models import Membership, Organization

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.VIEWER


# --- Assets -----------------------------------------------------------------


class AssetFactory(factory.django.DjangoModelFactory):
    """An information asset; pass ``owner`` a member of ``organization``."""

    class Meta:
        model = Asset

    organization = factory.SubFactory(OrganizationFactory)
    kind = AssetKind.HARDWARE
    name = factory.Sequence(lambda n: f"Server {n}")
    identifier = factory.Sequence(lambda n: f"AST-{n + 1:04d}")
    owner = factory.SubFactory(UserFactory)
    classification = "internal"
    confidentiality = 3
    integrity = 3
    availability = 3
    criticality = "medium"
    lifecycle_status = "in_use"


class AISystemFactory(AssetFactory):
    kind = AssetKind.AI_SYSTEM
    name = factory.Sequence(lambda n: f"AI system {n}")
    ai_role = "deployer"
    ai_intended_purpose = "Helps handlers prioritise their work."
    ai_risk_class = "limited"
    ai_lifecycle_stage = "operation_monitoring"
    ai_personal_data = "no"
    ai_automation_level = "assistance"
    ai_human_oversight = "in_the_loop"


class AIModelFactory(AssetFactory):
    kind = AssetKind.AI_MODEL
    name = factory.Sequence(lambda n: f"Model {n}")
    ai_role = "producer"
    ai_model_type = "classification"
    ai_version = "1.0.0"
    ai_lifecycle_stage = "development"


class DatasetFactory(AssetFactory):
    kind = AssetKind.DATASET
    name = factory.Sequence(lambda n: f"Dataset {n}")
    ai_data_provenance = "Collected from our own claims system."
    ai_data_licence = "Internal"
    ai_personal_data = "yes"


class AssetRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssetRelation

    organization = factory.SelfAttribute("source.organization")
    source = factory.SubFactory(AISystemFactory)
    target = factory.SubFactory(AIModelFactory, organization=factory.SelfAttribute("..source.organization"))
    type = "uses"


# --- Risks ------------------------------------------------------------------


def _next_risk_number(organization) -> int:
    from risks.services.register import next_number

    return next_number(organization)


class RiskFactory(factory.django.DjangoModelFactory):
    """An information security risk rated on the organization's methodology;
    pass ``owner`` a member of ``organization``."""

    class Meta:
        model = "risks.Risk"

    organization = factory.SubFactory(OrganizationFactory)
    number = factory.LazyAttribute(lambda risk: _next_risk_number(risk.organization))
    title = factory.Sequence(lambda n: f"Risk {n}")
    category = "information_security"
    threat = "Ransomware"
    vulnerability = "Unpatched hypervisor"
    affects_availability = True
    owner = factory.SubFactory(UserFactory)
    inherent_likelihood = 3
    inherent_impact = 4
    status = "assessed"
    next_review_date = datetime.date(2100, 1, 1)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from risks.selectors import methodology_for

        risk = model_class(*args, **kwargs)
        risk.rate(methodology_for(risk.organization))
        risk.save()
        return risk


class AIRiskFactory(RiskFactory):
    category = "ai"
    threat = ""
    vulnerability = ""
    affects_availability = False
    ai_harm_area = "fairness_bias"


class TreatmentActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "risks.TreatmentAction"

    organization = factory.SelfAttribute("risk.organization")
    risk = factory.SubFactory(RiskFactory)
    description = factory.Sequence(lambda n: f"Treatment step {n}")
    owner = factory.SelfAttribute("risk.owner")
    due_date = datetime.date(2100, 1, 1)
    status = "open"


def response_bytes(response) -> bytes:
    """A response's body, whether it was sent whole or streamed (CSV exports stream)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content
