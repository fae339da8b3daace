"""A read every API request makes, by SQL built once per process (issue 14).

Each API request first reads its token (with the token's user and organization) and the
user's membership of the organization in the URL. Through the ORM each of those cost
about a millisecond, most of it building and compiling the query; the database answers
in a tenth of that. ``OneRowRead`` writes the SQL of such a read once, from the models'
own fields, and turns its row into instances as ``select_related`` would, with the
database's converters (SQLite hands back datetimes as text, for one). Only for fixed,
hot reads of one row by equality: everything else goes through the ORM.
"""

from django.db import connections, router
from django.db.models import Model
from django.db.models.expressions import Col


class OneRowRead:
    """``model`` and the to-one relations named in ``related`` (inner joins for required
    foreign keys, left joins for optional ones), the first row by primary key where each
    name of ``where`` (a field of ``model``, or ``relation__field`` of a related one)
    equals the value given; None when there is none.

    ``OneRowRead(ApiToken, related=("user", "organization"), where=("key_prefix",))("abc")``
    is ``ApiToken.objects.select_related("user", "organization").filter(key_prefix="abc")
    .order_by("pk").first()`` in one prepared string.
    """

    def __init__(self, model: type[Model], *, related: tuple[str, ...] = (), where: tuple[str, ...]):
        self.model, self.related, self.where = model, related, where
        self._prepared = {}  # database alias -> (sql, the parts of a row)

    def __call__(self, *values, using: str | None = None):
        if len(values) != len(self.where):
            raise TypeError(f"{len(self.where)} values expected ({', '.join(self.where)}), got {len(values)}")
        using = using or router.db_for_read(self.model)
        connection = connections[using]
        sql, parts = self._prepared.get(using) or self._prepare(using)
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            row = cursor.fetchone()
        if row is None:
            return None
        main = None
        for model, setter, names, converters, start, key in parts:
            columns = list(row[start : start + len(names)])
            for index, converter_list, expression in converters:
                for converter in converter_list:
                    columns[index] = converter(columns[index], expression, connection)
            if setter is None:
                main = model.from_db(using, names, columns)
                continue
            related = None if columns[key] is None else model.from_db(using, names, columns)
            setter.set_cached_value(main, related)
        return main

    def _prepare(self, using: str):
        connection = connections[using]
        quote = connection.ops.quote_name
        tables = [(self.model, None, "t0")]
        joins = []
        for index, name in enumerate(self.related, start=1):
            field = self.model._meta.get_field(name)
            if not (field.many_to_one or field.one_to_one) or not field.concrete:
                raise ValueError(f"{name} is not a to-one relation of {self.model.__name__}")
            alias = f"t{index}"
            kind = "LEFT OUTER JOIN" if field.null else "INNER JOIN"
            target = field.related_model
            joins.append(
                f"{kind} {quote(target._meta.db_table)} {alias} ON {alias}.{quote(field.target_field.column)}"
                f" = t0.{quote(field.column)}"
            )
            tables.append((target, field, alias))
        columns, parts = [], []
        for model, setter, alias in tables:
            fields = list(model._meta.concrete_fields)  # from_db reads values in this order
            converters = []
            for index, field in enumerate(fields):
                expression = Col(alias, field)
                found = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
                if found:
                    converters.append((index, found, expression))
            key = fields.index(model._meta.pk)
            parts.append((model, setter, [f.attname for f in fields], converters, len(columns), key))
            columns += [f"{alias}.{quote(f.column)}" for f in fields]
        conditions = []
        aliases = {name: alias for name, (_m, _s, alias) in zip(self.related, tables[1:], strict=True)}
        for name in self.where:
            relation, _, field_name = name.rpartition("__")
            model = self.model._meta.get_field(relation).related_model if relation else self.model
            field = model._meta.get_field(field_name)
            alias = aliases[relation] if relation else "t0"
            conditions.append(f"{alias}.{quote(field.column)} = %s")
        # Every name is a model's table or column, quoted; every value is a parameter.
        table, pk = quote(self.model._meta.db_table), quote(self.model._meta.pk.column)
        sql = " ".join(
            [
                f"SELECT {', '.join(columns)} FROM {table} t0",  # noqa: S608
                *joins,
                f"WHERE {' AND '.join(conditions)} ORDER BY t0.{pk}",
                connection.ops.limit_offset_sql(None, 1),
            ]
        )
        self._prepared[using] = (sql, parts)
        return sql, parts
