"""A real OpenID Connect provider for development and tests: LemonLDAP::NG from Debian's packages.

Dev and test only: no service imports this package.
"""

from relais_cli.provider.accounts import DEMO_OPERATORS, DEMO_PASSWORD, RELAIS_ROLES, DemoOperator, operator
from relais_cli.provider.config import CLIENT_ID, RELAIS_CLAIMS, RELAIS_SCOPE
from relais_cli.provider.dev_provider import DevProvider, ProviderUnavailable

__all__ = ["CLIENT_ID", "DEMO_OPERATORS", "DEMO_PASSWORD", "RELAIS_CLAIMS", "RELAIS_ROLES", "RELAIS_SCOPE",
           "DemoOperator", "DevProvider", "ProviderUnavailable", "operator"]
