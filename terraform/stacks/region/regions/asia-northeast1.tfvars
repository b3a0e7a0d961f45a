# Japan, served from asia-northeast1 (Tokyo), in the country.
# Media: dual-region Tokyo + Osaka (asia-northeast2), both in Japan.
# State: kwipper/asia-northeast1.
region               = "asia-northeast1"
media_location       = "ASIA"
media_data_locations = ["ASIA-NORTHEAST1", "ASIA-NORTHEAST2"]
