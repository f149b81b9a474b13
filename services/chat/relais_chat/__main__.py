from relais_chat.settings import ChatSettings
from relais_shared.serve import run_service

if __name__ == "__main__":
    run_service("relais_chat.app", ChatSettings)
