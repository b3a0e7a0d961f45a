# Indonesia, served from asia-southeast2 (Jakarta), in the country.
# Media: dual-region Jakarta + Singapore (asia-southeast1), the nearest other
# Asian region. State: kwipper/asia-southeast2.
region               = "asia-southeast2"
media_location       = "ASIA"
media_data_locations = ["ASIA-SOUTHEAST2", "ASIA-SOUTHEAST1"]
