from relais_intake.settings import IntakeSettings
from relais_shared.serve import run_service

if __name__ == "__main__":
    run_service("relais_intake.app", IntakeSettings)
