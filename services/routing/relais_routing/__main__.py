from relais_routing.settings import RoutingSettings
from relais_shared.serve import run_service

if __name__ == "__main__":
    run_service("relais_routing.app", RoutingSettings)
