"""The audit programme's pages: ``programme`` (audits), ``checklist``, ``followup``
(findings and corrective actions) and ``reviews`` (management reviews)."""
