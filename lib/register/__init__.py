"""The register of Sweden's förbund, independent of reports: who exists from when to when, with which member
kommuner (SCB codes), and where each fact came from; and what the register says about coverage."""
