"""The workshops' pages by audience: `facilitator` runs a workshop, `participant` is a phone in a
group, `records` are the summaries, reports and exports; `access` decides who may see what."""
