"""The register toolkit: the machinery every organization-owned register shares.

A register (the asset inventory, the risk register, and next the SoA rows,
audits, findings and corrective actions) declares what is its own — its
columns, its fields, its filters — and takes everything else from here:

- ``lists``: the scoped list page (filters, search, ordering, per-page,
  pagination, active-filter count, empty state) and its template skeleton
  ``templates/core/register_list.html``;
- ``filters``: the filterset base that receives the organization, and the
  shared filters (owner, ranked ordering, tags, date range, "mine"), plus
  the DRF filter backend that hands the organization to the filterset;
- ``exports``: the CSV/XLSX export view;
- ``imports``: the import skeleton (drafts → validate → create, all or
  nothing), its preview and its error; the pages are ``import_views``;
- ``bulk``: the plan of a bulk write and its per-item errors, the shape the
  bulk API answers;
- ``members``: the acting membership and the organization's members by handle;
- ``values``: the write-field guard services apply values through, and the
  merging of per-field error messages;
- ``forms`` and ``serializers``: the scoped related fields (members,
  records of the request's organization) and the form plumbing.

The views are scoping-agnostic: they expect ``self.organization`` and
``self.membership``, which ``organizations.scoping.OrganizationPageMixin``
sets (it comes first in each register view's bases). ``core`` imports no
other project app. Why and how: ``docs/decisions/0009-register-toolkit.md``.
"""
