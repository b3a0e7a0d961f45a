# Mexico, served from northamerica-south1 (Querétaro), in the country.
# Media: dual-region Querétaro + Dallas (us-south1) under the US multi-region
# code. State: kwipper/northamerica-south1.
region               = "northamerica-south1"
media_location       = "US"
media_data_locations = ["NORTHAMERICA-SOUTH1", "US-SOUTH1"]
