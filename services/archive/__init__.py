"""Archive: forms, completeness, archiving, digitised bundles, person-days, monitoring, common problems (issue 6)."""
