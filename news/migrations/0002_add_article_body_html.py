"""Articles keep their body as sanitized HTML, rendered from the Markdown when saved; existing
articles get theirs here."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from reviewsite.markup import render_markdown


def render_bodies(apps, schema_editor):
    Article = apps.get_model("news", "Article")
    for article in Article.objects.only("body").iterator(chunk_size=500):
        Article.objects.filter(pk=article.pk).update(
            body_html=render_markdown(article.body, top_heading=2)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="article",
            options={"ordering": ["-published_at", "-pk"]},
        ),
        migrations.AddField(
            model_name="article",
            name="body_html",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AlterField(
            model_name="article",
            name="author",
            field=models.ForeignKey(
                blank=True,
                help_text="Leave empty to sign it yourself.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="body",
            field=models.TextField(
                help_text="Markdown: *italic*, **bold**, [a link](https://…), lists, ## headings. Raw HTML is shown as text, images as links."
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="image_alt",
            field=models.CharField(
                blank=True,
                help_text="What the image shows, for readers who cannot see it.",
                max_length=300,
                verbose_name="image description",
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="published_at",
            field=models.DateTimeField(
                blank=True,
                help_text="Leave empty to keep it a draft; a future time publishes it then.",
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="article",
            name="slug",
            field=models.SlugField(
                blank=True,
                help_text="The article's address; keep it once published, as links point to it.",
                max_length=220,
                unique=True,
            ),
        ),
        migrations.RunPython(render_bodies, migrations.RunPython.noop),
    ]
