"""gapsight.mail"""
