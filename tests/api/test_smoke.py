async def test_viewer(api):
    data = await api.data("{ viewer { login unit { code } } }", as_user="east.planner")
    assert data["viewer"] == {"login": "east.planner", "unit": {"code": "east"}}
