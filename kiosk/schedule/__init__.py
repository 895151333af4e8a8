"""Bookings of study-tour visits: the hall's calendar and rules, the booking service over the records
store, the web pages and JSON API (web.py, imported only by `serve`), and what the kiosks ask:
which visit is on at a station (`current_visit`) and the day's schedule (`today_schedule`)."""
from .calendar import HallCalendar, Slot
from .rules import BookingError
from .service import Booking, BookingService, current_visit, register_station, today_schedule

__all__ = ["Booking", "BookingError", "BookingService", "HallCalendar", "Slot", "current_visit", "register_station",
           "today_schedule"]
