"""The audit pack: one PDF per request with an audit's scope, checklist results, the audited SoA
version, the risk register, the asset inventory, impact assessments, the gap analysis and the
findings — built in parts through the generated-documents mechanism (docs/decisions/0015)."""
