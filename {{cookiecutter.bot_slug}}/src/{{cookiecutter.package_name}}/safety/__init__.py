"""The safety kit: ``doctor`` checks the credential layout, ``guard`` stops a
commit that holds a credential value. The bot itself never imports it."""
