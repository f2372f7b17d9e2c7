# SPDX-License-Identifier: MIT
"""A Python 3 contender: the token request with urllib, as a script would do it."""
import json
import os
import sys
import urllib.request

req = urllib.request.Request(
    os.environ["NITRO_BASE_URL"] + "/oauth/token",
    data=json.dumps({"clientID": os.environ["NITRO_CLIENT_ID"],
                     "clientSecret": os.environ["NITRO_CLIENT_SECRET"]}).encode(),
    headers={"Content-Type": "application/json", "Accept": "application/json"})
with urllib.request.urlopen(req) as r:
    print(json.load(r)["accessToken"])
sys.exit(0)
