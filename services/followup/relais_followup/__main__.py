from relais_followup.settings import FollowupSettings
from relais_shared.serve import run_service

if __name__ == "__main__":
    run_service("relais_followup.app", FollowupSettings)
