"""DecisionPoint.figure is gone: finance.0005 moved each point's total to a named figure it quotes."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('budgetplan', '0010_subject_permissions_for_roles'),
        ('finance', '0005_figures_from_decision_points'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='decisionpoint',
            name='figure',
        ),
        migrations.RemoveField(
            model_name='historicaldecisionpoint',
            name='figure',
        ),
        migrations.AlterField(
            model_name='decisionpoint',
            name='text',
            field=models.TextField(help_text='Skriv {belopp} där summan ska stå om punkten citerar en summa; {belopp:1}, {belopp:2} … om den citerar flera.', verbose_name='text'),
        ),
        migrations.AlterField(
            model_name='historicaldecisionpoint',
            name='text',
            field=models.TextField(help_text='Skriv {belopp} där summan ska stå om punkten citerar en summa; {belopp:1}, {belopp:2} … om den citerar flera.', verbose_name='text'),
        ),
    ]
