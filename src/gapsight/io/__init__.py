"""gapsight.io"""
