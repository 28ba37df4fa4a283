from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from reviews.models import AudienceReview

from .models import User

REVIEWS_PER_PAGE = 20


@require_GET
def profile(request: HttpRequest, username: str) -> HttpResponse:
    member = get_object_or_404(User, username=username, is_active=True)
    reviews = AudienceReview.objects.filter(user=member).visible().for_listing()
    reviews = reviews.select_related("film")
    page = Paginator(reviews, REVIEWS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "accounts/profile.html", {"member": member, "page": page})
