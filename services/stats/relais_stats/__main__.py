from relais_shared.serve import run_service
from relais_stats.settings import StatsSettings

if __name__ == "__main__":
    run_service("relais_stats.app", StatsSettings)
