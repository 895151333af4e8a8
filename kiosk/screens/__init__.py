"""The kiosk's own screens around the lessons: attract, menu, lesson player, results, idle."""
