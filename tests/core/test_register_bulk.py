"""The bulk plan's errors: per item and field, without repeats, as the API answers them."""

from core.registers.bulk import BulkError, BulkPlan, ItemErrors, item_name
from core.registers.serializers import serializer_error_rows


def test_item_errors_keep_order_drop_repeats_and_empty_items():
    found = ItemErrors({2: {"name": ["Give a name."]}})
    found.add(0, "kind", "Unknown kind.")
    found.add(0, "kind", "Unknown kind.")
    found.add_unreported(2, {"name": ["This field cannot be blank."], "owner": ["Not a member."]})
    found.on(5)  # asking creates nothing
    assert found.as_dict() == {
        0: {"kind": ["Unknown kind."]},
        2: {"name": ["Give a name."], "owner": ["Not a member."]},
    }


def test_the_plan_answers_in_the_bulk_api_shape_with_request_positions():
    plan = BulkPlan(records=["a", "b"], drafts=["a", "b"], errors={1: {"kind": ["Unknown kind.", "Twice."]}})
    assert not plan.is_valid and plan.error_count == 2
    assert plan.error_rows([3, 7]) == [
        {"index": 7, "field": "kind", "message": "Unknown kind."},
        {"index": 7, "field": "kind", "message": "Twice."},
    ]
    assert BulkError(plan, noun="assets").messages == ["1 of 2 assets are invalid; nothing was created."]


def test_an_item_is_named_by_its_line_or_its_position():
    assert item_name(["line 2", "line 3"], 1) == "line 3"
    assert item_name([], 6) == "item 6"


def test_nested_serializer_errors_become_one_row_each():
    errors = {
        "non_field_errors": ["Bad item."],
        "relations": [{}, {"target": ["Required."]}],
        "kind": ["No."],
    }
    assert serializer_error_rows(4, errors) == [
        {"index": 4, "field": "item", "message": "Bad item."},
        {"index": 4, "field": "relations[1].target", "message": "Required."},
        {"index": 4, "field": "kind", "message": "No."},
    ]
