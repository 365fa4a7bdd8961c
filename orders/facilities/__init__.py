"""Equipment and workspace a sentra lends (issue 19): facilities with units, opening hours and an
hourly price, booked by the hour. Members book free; residents and partners pay like a class
seat (an order line of the sentra's order); a facility whose hourly price is 0 is free for all.
"""
