"""The safety kit: ``doctor`` checks the credential layout, ``guard`` stops a
commit that holds a credential value. The core (posting and what it uses)
never imports it."""
