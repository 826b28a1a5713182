"""Pages of the registers, mobile first: a grid worker's houses, a house with its households and residents
(add a resident, move out, record an inspection), and the area's figures for the community and up."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.access import scope_area
from govportal.errors import DomainConflict, DomainInputError
from govportal.pages import found_or_404
from grids.selectors import root_area

from . import selectors, services
from .forms import HouseForm, InspectionForm, MoveInForm, MoveOutForm, RentalRegisterForm, RevealForm
from .models import Residence, Resident, ResidentReveal, RiskGrade
from .workflow import NOT_YOUR_GRID

HOUSES_SHOWN = 300  # a grid has a few hundred households; the API pages through more


def _form_error(form, error):
    """Put a service's refusal on the form, on its field when the form has one."""
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, str(error))


@login_required
def registers_home(request):
    """A grid worker's houses and the rental houses to inspect; for the community and up, the counts per
    grid of their area and its overdue inspections."""
    user, today = request.user, timezone.localdate()
    overseer = user.is_superuser or user.role in selectors.REGISTER_OVERSEERS
    area = (scope_area(user) or root_area()) if overseer else None
    rentals = selectors.rental_house_list(user=user)
    return render(request, "registers/home.html", {
        "houses": selectors.house_list(user=user)[:HOUSES_SHOWN] if not overseer else (),
        "overdue": rentals.filter(next_inspection_due__lt=today)[:HOUSES_SHOWN],
        "due_soon": rentals.filter(next_inspection_due__gte=today)[:20] if not overseer else (),
        "area": area, "counts": selectors.register_counts(area=area, today=today) if area else (),
        "grades": RiskGrade.objects.all(), "kinds": Resident.Kind.choices, "today": today,
    })


@login_required
def house_detail(request, house_id, *, inspection_form=None, rental_form=None, status=200):
    """A house: its households and residents (current, then past), its rental record and inspections, or
    the form to register it as let (出租屋)."""
    house = found_or_404(selectors.house_get, user=request.user, house_id=house_id)
    rental = getattr(house, "rental", None)
    editable = selectors.may_edit(user=request.user, area_code=house.area_code)
    return render(request, "registers/house.html", {
        "house": house, "rental": rental, "editable": editable,
        "residences": selectors.residence_list(house=house), "households": house.households.all(),
        "inspections": selectors.inspection_list(rental_house=rental)[:20] if rental else (),
        "inspection_form": inspection_form or (InspectionForm(initial={
            "inspected_on": timezone.localdate(), "grade": rental.grade.code}) if rental else None),
        "rental_form": rental_form or (RentalRegisterForm() if editable and rental is None else None),
        "move_out_form": MoveOutForm(initial={"moved_out_on": timezone.localdate()}),
        "reveal_form": RevealForm(), "today": timezone.localdate(),
    }, status=status)


@login_required
def house_add(request):
    """A grid worker registers a house (a room) of a building in their grids."""
    grid_codes = selectors.worker_grid_codes(user=request.user)
    if not grid_codes:
        raise PermissionDenied(NOT_YOUR_GRID)
    form = HouseForm(request.POST or None, grid_codes=grid_codes)
    if request.method == "POST" and form.is_valid():
        try:
            house = services.house_add(actor=request.user, **form.cleaned_data)
        except (DomainInputError, DomainConflict) as error:
            _form_error(form, error)
        else:
            messages.success(request, _("%(house)s registered.") % {"house": house})
            return redirect("registers-house", house_id=house.pk)
    return render(request, "registers/house_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def move_in(request, house_id):
    """Add a resident to the house (a grid worker of its grid): the form, then the house page."""
    house = found_or_404(selectors.house_get, user=request.user, house_id=house_id)
    if not selectors.may_edit(user=request.user, area_code=house.area_code):
        raise PermissionDenied(NOT_YOUR_GRID)
    form = MoveInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            residence = services.resident_move_in(actor=request.user, house=house, **form.cleaned_data)
        except (DomainInputError, DomainConflict) as error:
            _form_error(form, error)
        else:
            messages.success(request, _("%(resident)s moved in.") % {"resident": residence.resident})
            return redirect("registers-house", house_id=house.pk)
    return render(request, "registers/move_in.html", {"house": house, "form": form},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def move_out(request, residence_id):
    """Record a move-out, then back to the house."""
    residence = found_or_404(selectors.residence_get, user=request.user, residence_id=residence_id)
    form = MoveOutForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    else:
        try:
            services.residence_move_out(residence_id=residence.pk, actor=request.user, **form.cleaned_data)
        except (DomainInputError, DomainConflict) as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("%(resident)s moved out.") % {"resident": residence.resident})
    return redirect("registers-house", house_id=residence.house_id)


@login_required
@require_POST
def rental_register(request, house_id):
    """Register the house as a rental house (a grid worker of its grid); the house page again, with the
    errors if any."""
    house = found_or_404(selectors.house_get, user=request.user, house_id=house_id)
    form = RentalRegisterForm(request.POST)
    if form.is_valid():
        try:
            services.rental_house_register(actor=request.user, house=house, **form.cleaned_data)
        except (DomainInputError, DomainConflict) as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Registered as a rental house."))
            return redirect("registers-house", house_id=house.pk)
    return house_detail(request, house.pk, rental_form=form, status=400)


@login_required
@require_POST
def inspect(request, rental_house_id):
    """Record an inspection of a rental house; the house page again, with the errors if any."""
    rental = found_or_404(selectors.rental_house_get, user=request.user, rental_house_id=rental_house_id)
    form = InspectionForm(request.POST)
    if form.is_valid():
        try:
            inspection = services.inspection_record(rental_house_id=rental.pk, actor=request.user, **form.cleaned_data)
        except DomainInputError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Inspection recorded; the next is due on %(date)s.") % {
                "date": inspection.rental_house.next_inspection_due})
            return redirect("registers-house", house_id=rental.house_id)
    return house_detail(request, rental.house_id, inspection_form=form, status=400)


@login_required
@require_POST
def reveal(request, resident_id):
    """Show one of a resident's data in full, once, to a grid worker of their grid; the reveal is logged."""
    resident = found_or_404(selectors.resident_get, user=request.user, resident_id=resident_id)
    form = RevealForm(request.POST)
    context = {"resident": resident, "form": form, "house_id": resident.residences.filter(
        status=Residence.Status.LIVING).values_list("house_id", flat=True).first()}
    if not form.is_valid():
        return render(request, "registers/reveal.html", context, status=400)
    value = services.resident_reveal(resident_id=resident.pk, actor=request.user, **form.cleaned_data)
    field = ResidentReveal.Field(form.cleaned_data["field"]).label
    return render(request, "registers/reveal.html", {**context, "value": value, "field": field})
