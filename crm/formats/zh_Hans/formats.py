"""Chinese business texts group large numbers in threes with a comma (1,200,000); Django's
own Chinese formats group by four with no separator, which prints them ungrouped."""

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
