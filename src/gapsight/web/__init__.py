"""gapsight.web"""
