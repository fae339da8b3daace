from assets.models import Asset
from core.history import history_for
from core.services import record_save
from tests.factories import AISystemFactory


def test_history_labels_keep_the_capitals_of_acronyms(acme, alice):
    asset = AISystemFactory(organization=acme, owner=alice)
    asset = Asset.objects.get(pk=asset.pk)
    asset.ai_risk_class = "high"
    record_save(asset, actor=alice)
    labels = {change.label for entry in history_for(asset) for change in entry.changes}
    assert "EU AI Act risk class" in labels
    assert not any(label.startswith(("Ai ", "Eu ")) for label in labels)
