from collections.abc import Iterable

from django import template

from reviews.charts import ScoreChart, score_chart
from reviews.models import ScoreRecord

register = template.Library()


@register.simple_tag(name="score_chart")
def score_chart_tag(records: Iterable[ScoreRecord] | str) -> ScoreChart:
    """`{% score_chart film.score_history as chart %}`: the chart of the film's records.

    A film without `Film.load_page()` has no `score_history`, which the
    template engine passes as "": it gets the empty chart rather than a query per page.
    """
    return score_chart(records or [])
