"""A decided case keeps the board's name and office as the decision named them.

Cases decided before this migration take them from their board as it is now: the nearest there
is to what they were at the decision.
"""
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def freeze_decided_boards(apps, schema_editor):
    Board = apps.get_model("budgetplan", "Board")
    Case = apps.get_model("budgetplan", "Case")
    board = Board.objects.filter(pk=OuterRef("board_id")).order_by()
    Case.objects.filter(status="decided", decided_board_name="").update(
        decided_board_name=Subquery(board.values("name")[:1]),
        decided_board_office=Subquery(board.values("office")[:1]),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('budgetplan', '0006_case_fields_named_arende'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='decided_board_name',
            field=models.CharField(blank=True, editable=False, max_length=200, verbose_name='nämnd vid beslutet'),
        ),
        migrations.AddField(
            model_name='case',
            name='decided_board_office',
            field=models.CharField(blank=True, editable=False, max_length=200, verbose_name='förvaltning vid beslutet'),
        ),
        migrations.AddField(
            model_name='historicalcase',
            name='decided_board_name',
            field=models.CharField(blank=True, editable=False, max_length=200, verbose_name='nämnd vid beslutet'),
        ),
        migrations.AddField(
            model_name='historicalcase',
            name='decided_board_office',
            field=models.CharField(blank=True, editable=False, max_length=200, verbose_name='förvaltning vid beslutet'),
        ),
        # Backwards the columns go, values and all: nothing to undo here.
        migrations.RunPython(freeze_decided_boards, migrations.RunPython.noop),
    ]
