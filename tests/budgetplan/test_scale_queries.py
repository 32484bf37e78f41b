"""The case page reads a ten-fold plan in as many queries as the reference case, and at most 25,
counting the session and the user of the logged-in reader of a draft."""
import pytest
from django.urls import reverse

from bench.city import generate_city
from budgetplan.cases.models import Case

pytestmark = pytest.mark.django_db

MAX_CASE_PAGE_QUERIES = 25  # issue 6: the same for both sizes, and at most 25


def page(client, case) -> str:
    response = client.get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def large_case(db):
    """A plan ten times the reference case, among other boards' plans over the same council goals."""
    generate_city(boards=2, years=1, scale=10, seed=1, first_year=2013)
    return Case.objects.filter(budget_year=2013).order_by("memo_serial").first()


def test_ten_fold_case_page_takes_as_many_queries_as_the_reference(
    admin_client, reference_case, large_case, django_assert_max_num_queries, django_assert_num_queries,
):
    # Read by an administrator: the cases are drafts, which only their board's people may read.
    with django_assert_max_num_queries(MAX_CASE_PAGE_QUERIES) as reference_queries:
        reference_html = page(admin_client, reference_case)
    print(f"case page: {len(reference_queries)} queries")
    with django_assert_num_queries(len(reference_queries)):
        large_html = page(admin_client, large_case)

    # The ten-fold plan really is on the page: 130 council goals, 760 activities, 140 budget rows.
    assert reference_html.count('class="council-goal"') == 13
    assert large_html.count('class="council-goal"') == 130
    assert large_html.count('class="data-table activity-table"') > 10 * reference_html.count(
        'class="data-table activity-table"') // 2
    activity_rows = sum(
        table.count("<tr>") - 1
        for table in large_html.split('class="data-table activity-table"')[1:]
        for table in [table.split("</table>")[0]]
    )
    assert activity_rows == 760
    budget_table = large_html.split('class="data-table budget-table"')[1].split("</table>")[0]
    # One header row, the "Driftverksamhet" group row, 140 departments and the total.
    assert budget_table.count("<tr") == 143


def test_a_board_member_reads_both_sizes_in_the_same_number_of_queries(
    client, reference_case, large_case, django_user_model, django_assert_num_queries,
):
    from django.contrib.auth.models import Group

    from budgetplan.access import permissions
    from budgetplan.cases.models import BoardMembership

    reader = django_user_model.objects.create_user("politiker", password="x-lösen-123")
    reader.groups.add(Group.objects.get(name=permissions.READER))
    BoardMembership.objects.create(user=reader, board=reference_case.board)
    BoardMembership.objects.create(user=reader, board=large_case.board)
    client.force_login(reader)
    with django_assert_num_queries(MAX_CASE_PAGE_QUERIES):
        page(client, reference_case)
    with django_assert_num_queries(MAX_CASE_PAGE_QUERIES):
        page(client, large_case)
