"""The risk register as a generated document, built by a worker instead of the request:
``risk_register_xlsx``, the export workbook for a register of any size.

It takes the register page's filters as parameters (``{"level": ["high"]}``,
``{"category": ["ai"]}``…), checked and applied by ``RiskFilter`` as the page applies them.
"""

from core.roles import Capability
from core.tabular import FORMATS, XLSX, table_write
from documents import registry
from documents.registers import counted, register_filtered, register_parameters, register_title

from . import selectors
from .filters import RiskFilter
from .tabular import RISK_COLUMNS, risk_export_rows

RISK_REGISTER_XLSX = "risk_register_xlsx"

register_xlsx_parameters = register_parameters(RiskFilter, selectors.risks_for, noun="risk")


def build_register_xlsx(document, progress) -> bytes:
    risks = register_filtered(RiskFilter, selectors.risks_for, document)
    queryset = selectors.risks_with_links(risks.select_related("accepted_by")).order_by("number")
    total = queryset.count()
    rows = counted(risk_export_rows(queryset.iterator(chunk_size=1000)), total, progress, end=90)
    return table_write(rows, columns=RISK_COLUMNS, fmt=XLSX, title="Risk register")


def register_builders() -> None:
    registry.register(
        RISK_REGISTER_XLSX,
        build_register_xlsx,
        title=register_title("Risk register (XLSX)"),
        description="Risk register — Excel workbook",
        content_type=FORMATS[XLSX],
        filename="{organization}-risk-register-{date}.xlsx",
        capability=Capability.EXPORT,
        parameters=register_xlsx_parameters,
    )
