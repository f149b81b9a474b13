from relais_escalation.settings import EscalationSettings
from relais_shared.serve import run_service

if __name__ == "__main__":
    run_service("relais_escalation.app", EscalationSettings)
