"""Forms of the renewal pages. They parse and check the shape of what was typed; the rules are
the actions', whose Chinese ValidationErrors `ActionErrors.add_action_errors` puts next to the
fields. Amounts stay text until the action reads them as Decimal (never a float), so a refused
form shows exactly what was typed."""
