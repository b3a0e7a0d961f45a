# The Philippines, served from asia-southeast1 (Singapore): the nearest region
# to the Philippines.
# Media: dual-region Singapore + Taiwan (asia-east1). State: kwipper/asia-southeast1.
region               = "asia-southeast1"
media_location       = "ASIA"
media_data_locations = ["ASIA-SOUTHEAST1", "ASIA-EAST1"]
